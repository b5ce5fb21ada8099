"""Dashboards as code (Grafana) for Satu Data Kota Bima."""
