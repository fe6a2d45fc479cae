-- wrk's script for `make loadtest` (bench/loadtest.py writes the values into LOAD_VALUES).
-- Each request is drawn afresh: three in four a timeline view of one to three filters, one
-- in four a record page. Statuses are counted per thread and summed in done().

local json_values = os.getenv("LOAD_VALUES")

-- A small JSON reader for the flat object of string/number arrays bench/loadtest.py writes.
local function parse(text)
  local values = {}
  for key, body in text:gmatch('"([%w_]+)":%s*%[(.-)%]') do
    local items = {}
    for quoted in body:gmatch('"(.-)"') do items[#items + 1] = quoted end
    if #items == 0 then
      for number in body:gmatch("(%-?%d+)") do items[#items + 1] = tonumber(number) end
    end
    values[key] = items
  end
  return values
end

local V = parse(json_values)
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function pick(list) return list[math.random(#list)] end

local function escape(text)
  return (text:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local FILTERS = {
  function() return "country=" .. pick(V.countries) end,
  function() return "type=" .. pick(V.types) end,
  function() return "topic=" .. pick(V.topics) end,
  function() return "organization=" .. pick(V.organizations) end,
  function() return "person=" .. pick(V.people) end,
  function()
    local first, last = V.years[1], V.years[2]
    local from = math.random(first, last)
    return "from=" .. from .. "&to=" .. math.min(last, from + math.random(0, 5))
  end,
  function() return "q=" .. escape(pick(V.words)) end,
  function() return "q=" .. escape(pick(V.words) .. " " .. pick(V.words)) end,
  function() return "order=asc" end,
  function() return "page=" .. math.random(2, 40) end,
}

function init(args)
  statuses = {}
  math.randomseed(os.time() * 1000 + id)
end

function request()
  local path
  if math.random() < 0.75 then
    local parts = {}
    for _ = 1, math.random(1, 3) do parts[#parts + 1] = pick(FILTERS)() end
    path = "/?" .. table.concat(parts, "&")
  else
    path = pick(V.records)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do all[status] = (all[status] or 0) + n end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  local too_many, not_found = all[429] or 0, all[404] or 0
  local parts = {}
  for status, n in pairs(all) do
    parts[#parts + 1] = string.format('"%d": %d', status, n)
    if status >= 500 or (status >= 400 and status ~= 404 and status ~= 429) then
      errors = errors + n
    end
  end
  io.write(string.format(
    'RESULT {"requests": %d, "rps": %.2f, "p50": %.1f, "p95": %.1f, "p99": %.1f, '
      .. '"errors": %d, "too_many": %d, "not_found": %d, "statuses": {%s}}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, too_many, not_found, table.concat(parts, ", ")))
end
