-- wrk script: authenticated GET /api/quantum/jobs (the token comes from the environment).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("QLM_TOKEN")

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, %d requests, non-2xx %d, socket errors %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
