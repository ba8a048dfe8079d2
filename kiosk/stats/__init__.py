"""Anonymous figures: what an office publishes to the network instead of its visitors' data."""
