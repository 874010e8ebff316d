-- wrk script: each thread sends, once each, the raw pre-signed requests of its own file
-- (REQUESTS_FILE.<thread id>, requests separated by NUL), so every request creates a new snapshot.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local file = assert(io.open(os.getenv("REQUESTS_FILE") .. "." .. id, "rb"))
  local content = file:read("*a")
  file:close()
  requests = {}
  for request in content:gmatch("([^%z]+)%z") do
    requests[#requests + 1] = request
  end
  index = 0
end

function request()
  -- Past the end, the last request repeats: the emulator refuses the duplicate name, and the
  -- benchmark reports the run as invalid.
  if index < #requests then index = index + 1 end
  return requests[index]
end
