-- wrk script for `cargo xtask bench`: POSTs batches of new counter ratings as a kiosk would,
-- each response with a UUID v4 of its own (thread number, then a counter), so every record is
-- a first receipt that the server must store. BATCH and TOKEN come from the environment.

local batch = tonumber(os.getenv("BATCH") or "1")
local token = os.getenv("TOKEN")
local threads = {}
local counter = 0
local run = tonumber(os.getenv("RUN") or "0")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

-- `id`, the thread's number, is a global that setup() gives each thread.
function init(args)
  counter = 0
end

local levels = { "hai-long", "rat-hai-long" }

local function record()
  counter = counter + 1
  local uuid = string.format("%08x-%04x-4000-8000-%012x", id, run, counter)
  local level = levels[(counter % 2) + 1]
  return string.format(
    '{"format":1,"response_id":"%s","survey_id":"danh-gia-tai-quay","survey_version":"2026.1",'
      .. '"submitted_at":"2026-11-23T09:15:00+07:00","channel":"kiosk","unit":"phuong-1","counter":"quay-%d",'
      .. '"device_id":"bench-%d","partial":false,"answers":{"muc-do-hai-long":{"kind":"choice","value":"%s"}}}',
    uuid, id, id, level)
end

request = function()
  local records = {}
  for i = 1, batch do
    records[i] = record()
  end
  local body = '{"format":1,"records":[' .. table.concat(records, ",") .. "]}"
  return wrk.format("POST", "/api/v1/responses", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

local unexpected = 0
response = function(status, headers, body)
  if status ~= 201 then
    unexpected = unexpected + 1
    if unexpected <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
    end
  end
end
