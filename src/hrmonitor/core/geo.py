"""TopoJSON → GeoJSON for the network's countries. Pure: no Django.

world-atlas ships the world as TopoJSON (shared, quantised, delta-encoded arcs). The home page
and the choropleths need only the network's countries, as GeoJSON ECharts can register, and a
Russia that does not wrap around the map: its far-eastern tip lies past the antimeridian
(longitudes near -170°), which we shift by +360° so the country stays in one piece.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Position = list[float]
Ring = list[Position]


def _decode_arcs(topology: Mapping[str, Any]) -> list[Ring]:
    """Absolute coordinates of every arc. Quantised topologies store each arc as a first
    position followed by deltas; `transform` maps integers back to degrees."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points: Ring = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append([x * sx + tx, y * sy + ty])
            arcs.append(points)
        else:
            arcs.append([[float(p[0]), float(p[1])] for p in arc])
    return arcs


def _ring(arcs: list[Ring], indexes: Iterable[int]) -> Ring:
    """Stitch a ring from arc indexes; a negative index ~i means arc i reversed."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point: keep it once.
        ring.extend(points if not ring else points[1:])
    return ring


def _unwrap_antimeridian(ring: Ring) -> Ring:
    return [[x + 360.0 if x < -100.0 else x, y] for x, y in ring]


def countries_geojson(
    topology: Mapping[str, Any],
    names: Iterable[str],
    *,
    object_name: str = "countries",
    unwrap: Iterable[str] = ("Russia",),
    precision: int = 3,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the countries of `topology` whose `properties.name` is
    in `names`, coordinates rounded to `precision` decimals (about 100 m at 3)."""
    wanted = set(names)
    unwrap_names = set(unwrap)
    arcs = _decode_arcs(topology)
    features = []
    for geometry in topology["objects"][object_name]["geometries"]:
        name = geometry.get("properties", {}).get("name")
        if name not in wanted:
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        coordinates = []
        for polygon in polygons:
            rings = []
            for ring_arcs in polygon:
                ring = _ring(arcs, ring_arcs)
                if name in unwrap_names:
                    ring = _unwrap_antimeridian(ring)
                rings.append([[round(x, precision), round(y, precision)] for x, y in ring])
            coordinates.append(rings)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        )
    return {"type": "FeatureCollection", "features": features}
