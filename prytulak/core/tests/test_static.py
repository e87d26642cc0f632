import re

from django.contrib.staticfiles import finders


def test_every_static_file_a_page_links_to_exists(client, db):
    page = client.get("/en/need/").text
    paths = re.findall(r'(?:href|src)="/static/([^"]+)"', page)
    assert len(paths) >= 3  # css, htmx, app.js
    for path in paths:
        assert finders.find(path), path


def test_static_files_are_served_without_collectstatic(client, db):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert b".hp" in b"".join(response.streaming_content)  # the honeypot stays hidden
