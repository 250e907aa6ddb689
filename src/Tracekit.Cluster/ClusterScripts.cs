namespace Tracekit.Cluster;

/// <summary>
/// The Lua scripts behind every change of the queue, a node's capacity or a job's state. Redis runs a script
/// alone and whole, so each step below is atomic: two schedulers cannot both see the same free capacity, and
/// a crash (of a scheduler or an agent) can never happen between two of its writes. docs/cluster.md describes
/// the protocol these implement. Times are the server's TIME in epoch ms, the cluster's one clock.
/// </summary>
internal static class ClusterScripts
{
    private const string Now = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

    /// <summary>ARGV: job id, run id, argv JSON, units, input, output, retries, submit offset ms. Returns the submit time.</summary>
    public const string Submit = Now + """
        local id = ARGV[1]
        local submit = now + tonumber(ARGV[8])
        redis.call('HSET', 'tk:job:' .. id, 'run', ARGV[2], 'argv', ARGV[3], 'units', ARGV[4], 'input', ARGV[5],
          'output', ARGV[6], 'retries', ARGV[7], 'submit_ms', submit, 'state', 'queued', 'attempts', 0)
        redis.call('SADD', 'tk:run:' .. ARGV[2] .. ':jobs', id)
        redis.call('SADD', 'tk:runs', ARGV[2])
        redis.call('RPUSH', 'tk:queue', id)
        redis.call('PUBLISH', 'tk:wake:scheduler', id)
        return submit
        """;

    /// <summary>
    /// Places up to ARGV[3] jobs from the head of the FIFO on live nodes with free capacity. ARGV: weigher
    /// (first, least-instances, most-free), backfill (1 = look past a head that fits nowhere, up to ARGV[4] jobs),
    /// batch, window. Returns job id, node id pairs.
    /// </summary>
    public const string Place = Now + """
        local weigher, backfill, batch, window = ARGV[1], ARGV[2] == '1', tonumber(ARGV[3]), tonumber(ARGV[4])
        local nodes = {}
        for _, n in ipairs(redis.call('SMEMBERS', 'tk:nodes')) do
          if redis.call('EXISTS', 'tk:alive:' .. n) == 1 then
            local h = redis.call('HMGET', 'tk:node:' .. n, 'capacity', 'used', 'instances')
            table.insert(nodes, { id = n, cap = tonumber(h[1]) or 0, used = tonumber(h[2]) or 0, inst = tonumber(h[3]) or 0 })
          end
        end
        table.sort(nodes, function(a, b) return a.id < b.id end)
        local placed = {}
        local i = 0
        while #placed < batch * 2 do
          local id = redis.call('LINDEX', 'tk:queue', i)
          if not id then break end
          local units = tonumber(redis.call('HGET', 'tk:job:' .. id, 'units'))
          if not units then
            redis.call('LREM', 'tk:queue', 1, id)
          else
            local best = nil
            for _, nd in ipairs(nodes) do
              if nd.cap - nd.used >= units then
                if best == nil then
                  best = nd
                  if weigher == 'first' then break end
                elseif weigher == 'least-instances' and nd.inst < best.inst then best = nd
                elseif weigher == 'most-free' and nd.cap - nd.used > best.cap - best.used then best = nd
                end
              end
            end
            if best then
              redis.call('LREM', 'tk:queue', 1, id)
              best.used = best.used + units
              best.inst = best.inst + 1
              redis.call('HSET', 'tk:node:' .. best.id, 'used', best.used, 'instances', best.inst)
              redis.call('HSET', 'tk:job:' .. id, 'state', 'placed', 'node', best.id, 'placed_ms', now)
              redis.call('RPUSH', 'tk:inbox:' .. best.id, id)
              redis.call('PUBLISH', 'tk:wake:' .. best.id, id)
              table.insert(placed, id)
              table.insert(placed, best.id)
            elseif backfill and i + 1 < window then
              i = i + 1
            else
              break
            end
          end
        end
        return placed
        """;

    /// <summary>
    /// An agent takes the next job of its inbox into its processing list, under a lease, in one step (a lease
    /// set by a second command would leave a moment in which the reaper sees a claimed job without one). A job
    /// already finished elsewhere is dropped and its capacity released. ARGV: node, lease ms.
    /// Returns nil, or {job id, started ms, run, argv, units, input, output, submit ms, placed ms, attempt}.
    /// </summary>
    public const string Claim = Now + """
        local n, lease = ARGV[1], ARGV[2]
        while true do
          local id = redis.call('LMOVE', 'tk:inbox:' .. n, 'tk:proc:' .. n, 'LEFT', 'RIGHT')
          if not id then return nil end
          local jk = 'tk:job:' .. id
          local state = redis.call('HGET', jk, 'state')
          if state == 'completed' or state == 'failed' or not state then
            redis.call('LREM', 'tk:proc:' .. n, 1, id)
            local units = tonumber(redis.call('HGET', jk, 'units')) or 0
            redis.call('HINCRBY', 'tk:node:' .. n, 'used', -units)
            redis.call('HINCRBY', 'tk:node:' .. n, 'instances', -1)
            redis.call('PUBLISH', 'tk:wake:scheduler', n)
          else
            redis.call('SET', 'tk:lease:' .. id, n, 'PX', lease)
            local attempt = redis.call('HINCRBY', jk, 'attempts', 1)
            redis.call('HSET', jk, 'state', 'running', 'node', n, 'started_ms', now)
            local h = redis.call('HMGET', jk, 'run', 'argv', 'units', 'input', 'output', 'submit_ms', 'placed_ms')
            redis.call('SADD', 'tk:run:' .. h[1] .. ':members', n)
            return { id, tostring(now), h[1], h[2], h[3], h[4], h[5], h[6], h[7], tostring(attempt) }
          end
        end
        """;

    /// <summary>
    /// The heartbeat: the node's liveness key and the leases of its claimed jobs, renewed together. A job still in
    /// the node's processing list is the node's (a requeue removes it from the list in the same step), so its lease
    /// is set even when it expired, say while Redis restarted. ARGV: node, ttl ms, then the jobs whose attempts the
    /// agent runs (each claimed before this script was sent). Returns those of them the node no longer holds: the
    /// reaper took them back (the node was taken for lost) or another attempt recorded them, so the agent stops
    /// them (fencing). A job whose hash is gone (Redis lost its data) is not returned: nothing took it back.
    /// </summary>
    public const string Heartbeat = """
        local n, ttl = ARGV[1], ARGV[2]
        redis.call('SET', 'tk:alive:' .. n, '1', 'PX', ttl)
        local held = {}
        for _, id in ipairs(redis.call('LRANGE', 'tk:proc:' .. n, 0, -1)) do
          held[id] = true
          redis.call('SET', 'tk:lease:' .. id, n, 'PX', ttl)
        end
        local lost = {}
        for k = 3, #ARGV do
          if not held[ARGV[k]] and redis.call('EXISTS', 'tk:job:' .. ARGV[k]) == 1 then table.insert(lost, ARGV[k]) end
        end
        return lost
        """;

    /// <summary>
    /// Records an attempt's end, once per job: the first completion wins, a later one (the job ran twice after a
    /// requeue) is reported as a duplicate. Releases the node's capacity if the attempt still held it. A non-zero
    /// exit with retries left goes back to the queue. An attempt whose claim was taken back (requeued) and that did
    /// not succeed, stopped by its agent's fencing or failed on its own, is abandoned: the job waits for or runs its
    /// next attempt, so this one is not its verdict. ARGV: job id, node, exit status.
    /// Returns {outcome, finished ms}: completed, failed, retried, duplicate or abandoned.
    /// </summary>
    public const string Complete = Now + """
        local id, n, status = ARGV[1], ARGV[2], tonumber(ARGV[3])
        local jk = 'tk:job:' .. id
        local held = redis.call('LREM', 'tk:proc:' .. n, 1, id)
        if redis.call('GET', 'tk:lease:' .. id) == n then redis.call('DEL', 'tk:lease:' .. id) end
        if held > 0 then
          local units = tonumber(redis.call('HGET', jk, 'units')) or 0
          redis.call('HINCRBY', 'tk:node:' .. n, 'used', -units)
          redis.call('HINCRBY', 'tk:node:' .. n, 'instances', -1)
        end
        redis.call('PUBLISH', 'tk:wake:scheduler', n)
        local state = redis.call('HGET', jk, 'state')
        if state == 'completed' or state == 'failed' then return { 'duplicate', tostring(now) } end
        if held == 0 and status ~= 0 then return { 'abandoned', tostring(now) } end
        if status ~= 0 and held > 0 and (tonumber(redis.call('HGET', jk, 'retries')) or 0) > 0 then
          redis.call('HINCRBY', jk, 'retries', -1)
          redis.call('HSET', jk, 'state', 'queued', 'node', '')
          redis.call('RPUSH', 'tk:queue', id)
          return { 'retried', tostring(now) }
        end
        redis.call('LREM', 'tk:queue', 0, id)
        local outcome = status == 0 and 'completed' or 'failed'
        redis.call('HSET', jk, 'state', outcome, 'node', n, 'finished_ms', now, 'exit', status)
        return { outcome, tostring(now) }
        """;

    /// <summary>
    /// For a node that is not alive: requeues its claimed jobs whose leases expired (at the head of the FIFO:
    /// they were submitted first) and the jobs placed on it but never claimed; releases their capacity. Each requeue is
    /// logged as "node ms" in tk:requeues:JOB for the placement events. Returns the number requeued, or -1 when the
    /// server started less than ARGV[1] ms ago: liveness keys that expired while Redis was down say nothing about the
    /// agents, which need a moment to reconnect and heartbeat. The server's own uptime decides this, not a client's
    /// view of its connection, so a reap a scheduler sent during the outage cannot run first on the new server.
    /// </summary>
    public const string Reap = Now + """
        local up = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)')) or 0
        if up * 1000 < tonumber(ARGV[1]) then return -1 end
        local count = 0
        local function requeue(id, n, list)
          redis.call('LREM', list, 1, id)
          local jk = 'tk:job:' .. id
          local units = tonumber(redis.call('HGET', jk, 'units')) or 0
          redis.call('HINCRBY', 'tk:node:' .. n, 'used', -units)
          redis.call('HINCRBY', 'tk:node:' .. n, 'instances', -1)
          local state = redis.call('HGET', jk, 'state')
          if state ~= 'completed' and state ~= 'failed' and state then
            redis.call('HSET', jk, 'state', 'queued', 'node', '')
            redis.call('RPUSH', 'tk:requeues:' .. id, n .. ' ' .. now)
            redis.call('LPUSH', 'tk:queue', id)
          end
          count = count + 1
        end
        for _, n in ipairs(redis.call('SMEMBERS', 'tk:nodes')) do
          if redis.call('EXISTS', 'tk:alive:' .. n) == 0 then
            for _, id in ipairs(redis.call('LRANGE', 'tk:proc:' .. n, 0, -1)) do
              if redis.call('EXISTS', 'tk:lease:' .. id) == 0 then requeue(id, n, 'tk:proc:' .. n) end
            end
            for _, id in ipairs(redis.call('LRANGE', 'tk:inbox:' .. n, 0, -1)) do requeue(id, n, 'tk:inbox:' .. n) end
          end
        end
        if count > 0 then redis.call('PUBLISH', 'tk:wake:scheduler', 'reaped') end
        return count
        """;

    /// <summary>Counts a run's jobs by state. ARGV: run id. Returns {queued, running, completed, failed} (placed counts as queued).</summary>
    public const string RunCounts = """
        local q, r, c, f = 0, 0, 0, 0
        for _, id in ipairs(redis.call('SMEMBERS', 'tk:run:' .. ARGV[1] .. ':jobs')) do
          local s = redis.call('HGET', 'tk:job:' .. id, 'state')
          if s == 'running' then r = r + 1 elseif s == 'completed' then c = c + 1
          elseif s == 'failed' then f = f + 1 else q = q + 1 end
        end
        return { q, r, c, f }
        """;
}
