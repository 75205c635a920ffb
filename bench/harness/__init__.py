"""The benchmark harness behind bench/run: data sets, servers, contenders, measurement and the results table."""
