"""Kafka plumbing: the local KRaft broker runner and the hub's declared topics."""
