-- wrk script for the bench's ingest-concurrent-single scenario: every request POSTs one new event
-- to /events, drawn like the bench's EventGenerator (60% payment-completed with an exact amount,
-- 30% order-placed, 10% parcel-sent; a correlation id on half; created_at in the ten days before
-- now; ids time-ordered like UUIDv7, unique per thread). Answers other than 201 are counted, and
-- the bench fails the scenario when there is any. With "cloudevents" as its third argument it sends
-- the same events as binary-mode CloudEvents (ingest-single-cloudevents): attributes in ce-* headers,
-- the payload as the body.
local threads = {}

function setup(thread)
  thread:set("stream", #threads)
  table.insert(threads, thread)
end

local currencies = {"EUR", "USD", "GBP", "JPY"}
local n = 0
refused = 0

function init(args)
  math.randomseed(tonumber(args[1] or "1") * 1000003 + stream)
  epoch_ms = tonumber(args[2] or tostring(os.time() * 1000))
  start_us = epoch_ms * 1000
  cloudevents = args[3] == "cloudevents"
end

local function id()
  n = n + 1
  local millis = epoch_ms + math.floor(n / 4096)
  local hi = string.format("%012x", millis)
  return string.format("%s-%s-7%03x-%04x-%04x%08x", hi:sub(1, 8), hi:sub(9, 12), n % 4096,
    0x8000 + stream * 256 + math.random(0, 255), math.random(0, 0xffff), math.random(0, 0x7fffffff))
end

local function created_at()
  local us = start_us - math.random(0, 864000000000)
  local seconds = math.floor(us / 1000000)
  return os.date("!%Y-%m-%dT%H:%M:%S", seconds) .. string.format(".%06dZ", us % 1000000)
end

request = function()
  local kind = math.random(0, 9)
  local service, etype, aggregate, payload
  if kind < 6 then
    service, etype = "billing", "payment-completed"
    aggregate = "payment/" .. math.random(0, 999999)
    payload = string.format('{"amount":"%d.%04d/%s","method":"card"}', math.random(0, 99999),
      math.random(0, 9999), currencies[math.random(1, 4)])
  elseif kind < 9 then
    service, etype = "shop", "order-placed"
    aggregate = "order/" .. math.random(0, 999999)
    payload = string.format('{"items":%d,"customer":"customer/%d"}', math.random(1, 9), math.random(0, 99999))
  else
    service, etype = "shipping", "parcel-sent"
    aggregate = "parcel/" .. math.random(0, 999999)
    payload = string.format('{"carrier":"dhl","weight_g":%d}', math.random(0, 19999))
  end
  local correlation = nil
  if math.random(0, 1) == 1 then
    correlation = "checkout/" .. math.random(0, 999999)
  end
  local event_id, time = id(), created_at()
  if cloudevents then
    local headers = {["Content-Type"] = "application/json", ["ce-specversion"] = "1.0", ["ce-id"] = event_id,
      ["ce-source"] = service, ["ce-type"] = etype, ["ce-time"] = time, ["ce-subject"] = aggregate}
    if correlation then
      headers["ce-correlationid"] = correlation
    end
    return wrk.format("POST", "/events", headers, payload)
  end
  local body = '{"id":"' .. event_id .. '","meta":{"service":"' .. service .. '","type":"' .. etype
    .. '","created_at":"' .. time .. '","aggregate_id":"' .. aggregate .. '"'
    .. (correlation and (',"correlation_id":"' .. correlation .. '"') or "")
    .. '},"payload":' .. payload .. '}'
  return wrk.format("POST", "/events", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 201 then
    refused = refused + 1
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("refused")
  end
  io.write(string.format("annals-refused %d\n", total))
  io.write(string.format("annals-latency-us p50 %d p99 %d\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("annals-summary requests %d duration_us %d\n", summary.requests, summary.duration))
end
