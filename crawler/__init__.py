"""Scrapy spiders, middlewares and extraction for arsip."""
