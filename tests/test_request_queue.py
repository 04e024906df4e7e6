"""The crawl's disk request queue (crawler/extensions/queues.py) queues exactly what Scrapy's
``Request.to_dict`` would, and gives the same requests back."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import FormRequest, Request, Spider
from scrapy.http.request import NO_CALLBACK

from crawler.extensions.queues import RequestDiskQueue, request_dict


class _Spider(Spider):
    name = "s"

    def parse_page(self, response):
        return []

    def on_error(self, failure):
        return None


class _Other:
    def parse_page(self, response):
        return []


def _requests(spider):
    return [
        Request("http://a.example/", callback=spider.parse_page, errback=spider.on_error, priority=-10),
        Request(
            "http://a.example/x.css",
            callback=spider.parse_page,
            meta={"arsip_requisite": "stylesheet", "handle_httpstatus_list": [304]},
            headers={"Accept": b"text/css,*/*;q=0.1"},
        ),
        Request("http://a.example/robots.txt"),  # no callback at all
        FormRequest("http://a.example/f", formdata={"q": "1"}, callback=spider.parse_page),  # _class
    ]


def test_the_same_dicts_as_to_dict():
    spider = _Spider()
    for request in _requests(spider):
        assert request_dict(request, spider) == request.to_dict(spider=spider)


@pytest.mark.parametrize("callback", [NO_CALLBACK, _Other().parse_page, lambda response: []])
def test_what_to_dict_refuses_is_refused_alike(callback):
    spider = _Spider()
    request = Request("http://a.example/", callback=callback)
    with pytest.raises(ValueError):
        request.to_dict(spider=spider)
    with pytest.raises(ValueError):  # the scheduler then keeps the request in memory, as before
        request_dict(request, spider)


def test_requests_come_back_from_the_queue(tmp_path):
    spider = _Spider()
    queue = RequestDiskQueue.from_crawler(SimpleNamespace(spider=spider), str(tmp_path / "q"))
    sent = _requests(spider)
    for request in sent:
        queue.push(request)
    back = [queue.pop() for _ in sent]
    queue.close()
    for old, new in zip(sent, back, strict=True):
        assert new.to_dict(spider=spider) == old.to_dict(spider=spider)
        assert new.callback == old.callback and new.errback == old.errback
