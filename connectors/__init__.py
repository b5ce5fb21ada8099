"""Source connectors feeding the hub (the synthetic Kota Bima simulator, …)."""
