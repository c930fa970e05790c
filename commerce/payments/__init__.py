"""Payments: provider interface (stripe, dummy), payment attempts, webhook events, refunds."""
