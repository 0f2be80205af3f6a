"""Write tocsin's bundled world outline (src/tocsin/data/world_outline.geojson) from Natural Earth.

    python scripts/make_world_outline.py PATH/naturalearth_lowres.shp > src/tocsin/data/world_outline.geojson

The input is Natural Earth's 1:110m Admin 0 countries (public domain, naturalearthdata.com), as
shipped inside the `geopandas` 0.14 wheel at `geopandas/datasets/naturalearth_lowres/` (the
`.shp` and its `.dbf`; no geopandas install is needed, only the files). The shapefile is read with
the standard library alone. Each country becomes a GeoJSON Feature with properties `iso3`, `name`
and `label` ([lon, lat], the area centroid of its largest polygon, used by `geo.country_centroid`);
coordinates are rounded to 0.01 degree and rings are oriented as RFC 7946 asks (outer rings
counter-clockwise). Codes Natural Earth leaves as -99 (France, Norway, Kosovo) are filled from the
name; Kosovo is KSV as in tocsin's actor codes.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import pycountry

_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "KSV"}


def read_dbf(path: Path) -> list[dict[str, str]]:
    """The records of a dBase III file as dicts of stripped strings."""
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    at = 32
    while data[at] != 0x0D:
        name = data[at : at + 11].split(b"\0", 1)[0].decode("ascii")
        fields.append((name, data[at + 16]))
        at += 32
    records = []
    for index in range(count):
        start = header_len + index * record_len + 1  # skip the deletion flag
        record: dict[str, str] = {}
        for name, width in fields:
            record[name] = data[start : start + width].decode("utf-8", "replace").strip()
            start += width
        records.append(record)
    return records


def read_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    """The rings of each polygon record of a shapefile, in record order."""
    data = path.read_bytes()
    shapes = []
    at = 100
    while at < len(data):
        _, words = struct.unpack(">II", data[at : at + 8])
        content = data[at + 8 : at + 8 + words * 2]
        at += 8 + words * 2
        shape_type = struct.unpack("<i", content[:4])[0]
        if shape_type != 5:
            shapes.append([])
            continue
        parts_count, points_count = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{parts_count}i", content[44 : 44 + 4 * parts_count]))
        base = 44 + 4 * parts_count
        points = [
            struct.unpack("<2d", content[base + 16 * i : base + 16 * i + 16]) for i in range(points_count)
        ]
        bounds = [*parts, points_count]
        shapes.append([points[bounds[i] : bounds[i + 1]] for i in range(parts_count)])
    return shapes


def signed_area(ring: list[tuple[float, float]]) -> float:
    """Twice the signed area of a ring (positive when counter-clockwise)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))


def centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """The area centroid of a simple ring."""
    area = signed_area(ring)
    pairs = list(zip(ring, ring[1:] + ring[:1], strict=True))
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (3 * area)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (3 * area)
    return cx, cy


def rounded(ring: list[tuple[float, float]]) -> list[list[float]]:
    """The ring rounded to 0.01 degree, without repeated points, closed."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, 2), round(y, 2)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def feature(rings: list[list[tuple[float, float]]], record: dict[str, str]) -> dict[str, object] | None:
    """One country as a GeoJSON Feature (a MultiPolygon), or None when it has no shape."""
    polygons: list[list[list[list[float]]]] = []
    for ring in rings:
        if signed_area(ring) < 0:  # shapefile outer rings are clockwise
            polygons.append([rounded(ring[::-1])])
        elif polygons:
            polygons[-1].append(rounded(ring[::-1]))
    polygons = [p for p in polygons if len(p[0]) >= 4]
    if not polygons:
        return None
    name = record["name"]
    iso3 = record["iso_a3"] if record["iso_a3"] != "-99" else _FIXES.get(name, "")
    if not iso3:
        found = pycountry.countries.get(name=name)
        iso3 = found.alpha_3 if found else ""
    largest = max((ring for ring in rings if signed_area(ring) < 0), key=lambda r: -signed_area(r))
    lon, lat = centroid(largest)
    return {
        "type": "Feature",
        "properties": {"iso3": iso3, "name": name, "label": [round(lon, 2), round(lat, 2)]},
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    }


def main(shp: str) -> None:
    """Print the outline GeoJSON for the Natural Earth shapefile at `shp`."""
    path = Path(shp)
    records = read_dbf(path.with_suffix(".dbf"))
    shapes = read_polygons(path)
    features = [f for rings, rec in zip(shapes, records, strict=True) if (f := feature(rings, rec))]
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m Admin 0 countries (public domain), via geopandas 0.14 "
        "naturalearth_lowres; written by scripts/make_world_outline.py",
        "features": features,
    }
    sys.stdout.write(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
