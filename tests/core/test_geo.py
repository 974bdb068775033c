"""TopoJSON decoding for the map (pure, no database)."""

from __future__ import annotations

from hrmonitor.core.geo import countries_geojson

# Two unit squares sharing an edge, quantised with scale 1 and translate 0; "Far" crosses the
# antimeridian (x = -170).
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [0, 0]},
    "arcs": [
        [[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]],
        [[-170, 10], [1, 0], [0, 1], [-1, 0], [0, -1]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Square"}},
                {"type": "Polygon", "arcs": [[1]], "properties": {"name": "Far"}},
                {"type": "Polygon", "arcs": [[~0]], "properties": {"name": "Elsewhere"}},
            ],
        }
    },
}


def test_delta_encoded_arcs_decode_to_absolute_coordinates():
    collection = countries_geojson(TOPOLOGY, ["Square"])
    (feature,) = collection["features"]
    assert feature["properties"] == {"name": "Square"}
    assert feature["geometry"]["coordinates"] == [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]]


def test_only_the_named_countries_are_kept():
    names = [f["properties"]["name"] for f in countries_geojson(TOPOLOGY, ["Far"])["features"]]
    assert names == ["Far"]


def test_a_country_across_the_antimeridian_is_shifted_into_one_piece():
    collection = countries_geojson(TOPOLOGY, ["Far"], unwrap=["Far"])
    xs = {x for x, _y in collection["features"][0]["geometry"]["coordinates"][0][0]}
    assert xs == {190, 191}


def test_a_reversed_arc_is_walked_backwards():
    collection = countries_geojson(TOPOLOGY, ["Elsewhere"])
    ring = collection["features"][0]["geometry"]["coordinates"][0][0]
    assert ring == [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]
