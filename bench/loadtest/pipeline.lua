-- wrk script for bench/loadtest/run.sh's g1p part: each write carries DEPTH requests (wrk -s pipeline.lua URL -- DEPTH),
-- as 'bin/jasyncio loadtest --pipeline DEPTH' keeps DEPTH requests outstanding per connection.
local batch
function init(args)
  local depth = tonumber(args[1] or "1")
  local one = wrk.format(nil, nil)
  batch = string.rep(one, depth)
end
function request()
  return batch
end
