-- wrk script for `medsbom serve`: component searches with a concurrent stream of SBOM uploads
-- (one request in 20 is an upload of a new, small CycloneDX document).
-- Usage: TOKEN=msb_… wrk -t2 -c32 -d60s -s mixed.lua --latency http://127.0.0.1:8080
local token = os.getenv("TOKEN") or ""
local counter = 0
local thread_id = 0

setup = function(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

request = function()
  counter = counter + 1
  local headers = { ["Authorization"] = "Bearer " .. token }
  if counter % 20 == 0 then
    headers["Content-Type"] = "application/json"
    local serial = string.format("urn:uuid:00000000-0000-4000-8000-%04x%08x", thread_id, counter)
    local body = '{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"' .. serial ..
      '","version":1,"metadata":{"component":{"type":"device","name":"Load Pump","version":"' ..
      thread_id .. "." .. counter .. '"},"manufacturer":{"name":"Load Medical"}},' ..
      '"components":[{"type":"library","name":"zlib","version":"1.2.11","purl":"pkg:generic/zlib@1.2.11"}]}'
    return wrk.format("POST", "/api/v1/sboms?manufacturer=Load%20Medical", headers, body)
  end
  return wrk.format("GET", "/api/v1/search?name=zlib&limit=20", headers)
end

response = function(status, headers, body)
  if status >= 400 then
    io.stderr:write("HTTP " .. status .. "\n")
  end
end
