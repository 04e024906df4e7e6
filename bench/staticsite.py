"""The bundled demo site rendered to a folder and served by a fast static server on loopback.

nginx when it is installed (``make bench`` installs it on a root CI machine), else a minimal
aiohttp file server in a process of its own, so that the server never shares a core's GIL with
the crawler being measured.

The site's "CDN" origin (``cdn.<host>`` on the live demo site: its font, theme images and photos)
is a second host here too, without DNS: the loopback address ``127.0.0.2`` on the same port
(:data:`CDN_HOST`), serving the ``/wp-content/`` files only. A crawler thus fetches the site's
requisites from two hosts, as from a real site, each with its own connections and robots.txt.

    python -m bench.staticsite serve DIR PORT     # the aiohttp fallback, used by StaticSite
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

NGINX_CONF = """worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  types {{ text/html html; text/xml xml; text/plain txt; text/css css; image/jpeg jpg; font/ttf ttf; }}
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  absolute_redirect off;
  gzip on;
  gzip_types text/xml text/plain text/css;
  client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  server {{
    listen 127.0.0.1:{port};
    root {docroot};
    index index.html index.xml;
    error_page 404 /404.html;
  }}
  server {{
    listen {cdn_host}:{port};
    root {docroot};
    location / {{ return 404; }}
    location /wp-content/ {{ }}
  }}
}}
"""
# The second loopback address standing for the site's CDN host (Linux answers all of 127/8).
CDN_HOST = "127.0.0.2"
# The names the site is rendered under (cdn_base gives an IP address no CDN of its own), replaced
# by the loopback addresses in every file written.
_RENDER_HOST = "site.arsip-bench.test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, host: str = "127.0.0.1", timeout: float = 30.0) -> None:
    """Return once ``host:port`` accepts connections; raise if the server died first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {host}:{port} after {timeout:.0f}s")


def render(articles: int, folder: Path, port: int, seed: int = 9) -> int:
    """Render the demo site with ``articles`` articles, links absolute to ``127.0.0.1:port``, its
    CDN's (fonts, images, photos) to ``CDN_HOST:port``."""
    from crawler.demosite import SiteConfig, build_corpus, cdn_base
    from crawler.demosite.static import render_site

    origin = f"http://{_RENDER_HOST}:{port}/"
    cdn = cdn_base(origin).split("//", 1)[1]  # cdn.site.arsip-bench.test:port
    files = render_site(build_corpus(SiteConfig(articles=articles, seed=seed)), folder, origin)
    renames = (
        (cdn.encode(), f"{CDN_HOST}:{port}".encode()),
        (f"{_RENDER_HOST}:{port}".encode(), f"127.0.0.1:{port}".encode()),
    )
    for path in folder.rglob("*"):
        if path.suffix in (".jpg", ".ttf") or not path.is_file():
            continue
        body = original = path.read_bytes()
        for old, new in renames:
            body = body.replace(old, new)
        if _RENDER_HOST.encode() in body:
            raise RuntimeError(f"{path}: {_RENDER_HOST} left after the rename to loopback addresses")
        if body != original:
            path.write_bytes(body)
    return files


class StaticSite:
    """A rendered site under ``work/site`` served on a free port until :meth:`stop`."""

    def __init__(self, work: Path, articles: int):
        self.work, self.articles = Path(work), articles
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.cdn_url = f"http://{CDN_HOST}:{self.port}/"
        self.proc: subprocess.Popen | None = None
        self.server = "nginx" if shutil.which("nginx") else "aiohttp"
        self.files = 0

    def start(self) -> StaticSite:
        docroot = self.work / "site"
        self.files = render(self.articles, docroot, self.port)
        self.proc = self._nginx(docroot) if self.server == "nginx" else self._aiohttp(docroot)
        wait_for_port(self.port, self.proc)
        wait_for_port(self.port, self.proc, CDN_HOST)
        return self

    def _nginx(self, docroot: Path) -> subprocess.Popen:
        root = self.work / "nginx"
        (root / "tmp").mkdir(parents=True, exist_ok=True)
        conf = root / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(root=root, port=self.port, docroot=docroot.resolve(), cdn_host=CDN_HOST)
        )
        return subprocess.Popen(
            [
                shutil.which("nginx"),
                "-p",
                str(root),
                "-c",
                str(conf),
                "-e",
                str(root / "error.log"),
                "-g",
                "daemon off;" + (" user root;" if _is_root() else ""),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _aiohttp(self, docroot: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "bench.staticsite", "serve", str(docroot), str(self.port)],
            cwd=Path(__file__).resolve().parents[1],
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def __enter__(self) -> StaticSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _is_root() -> bool:
    import os

    return os.geteuid() == 0


def serve(docroot: Path, port: int) -> None:
    """A plain file server: ``/x/`` serves ``x/index.html`` (``index.xml`` for the feed); on
    ``CDN_HOST``, ``/wp-content/`` files only."""
    from aiohttp import web

    from crawler.demosite.static import file_for

    types = {
        ".html": "text/html",
        ".xml": "text/xml",
        ".txt": "text/plain",
        ".css": "text/css",
        ".jpg": "image/jpeg",
        ".ttf": "font/ttf",
    }

    async def handle(request: web.Request) -> web.StreamResponse:
        target = docroot / file_for(request.path)
        cdn = request.transport is not None and request.transport.get_extra_info("sockname")[0] == CDN_HOST
        if (
            not target.is_file()
            or ".." in request.path
            or (cdn and not request.path.startswith("/wp-content/"))
        ):
            return web.Response(
                status=404, body=(docroot / "404.html").read_bytes(), content_type="text/html"
            )
        return web.Response(
            body=target.read_bytes(), content_type=types.get(target.suffix, "application/octet-stream")
        )

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    web.run_app(app, host=["127.0.0.1", CDN_HOST], port=port, access_log=None, print=None)


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    serve(Path(sys.argv[2]), int(sys.argv[3]))
