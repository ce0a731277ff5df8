"""One module per network: a poller and a publisher behind a shared Protocol."""
