"""Call policies from the build: cache, circuit breaker, concurrency limits."""
