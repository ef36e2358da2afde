"""/download serves the files the build wrote, streamed, with their sizes and checksums."""

import hashlib


def test_downloads_are_files_the_build_wrote_with_their_checksums(app, client):
    data = client.get("/download.json").get_json()
    assert data["build"] in app.extensions["kb"].store.build_id
    for entry in data["files"] + data["exports"]:
        response = client.get(entry["href"])
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]
        assert len(response.data) == entry["bytes"]
