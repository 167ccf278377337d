import pytest

from vikno.api.v1.problems import PROBLEM_JSON


@pytest.fixture
def get_json(client):
    """GET a path and return the response and its decoded JSON body, checking the media type on the way."""

    def get(path, data=None, status=200, **headers):
        response = client.get(path, data, **headers)
        assert response.status_code == status, response.content
        expected = "application/json" if status < 400 else PROBLEM_JSON
        assert response["Content-Type"] == expected
        return response.json()

    return get


def refs(*objects, name="name"):
    """The short references the API gives for catalogue objects (id, slug and the translated name)."""
    return [
        {
            "id": str(obj.id),
            "slug": obj.slug,
            name: {"uk": getattr(obj, f"{name}_uk") or None, "en": getattr(obj, f"{name}_en") or None},
        }
        for obj in objects
    ]
