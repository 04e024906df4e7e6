"""Scrapy spiders: one generic news spider driven by a seed."""
