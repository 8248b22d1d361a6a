"""How big each demo district is. `small` is the default; `tiny` serves the tests; `city` the benchmarks."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    streets: int
    grassroots: int  # grassroots unions, most of them an enterprise's own
    enterprises: int
    workers: int
    area_joints: tuple[int, int]  # business district / park / building / community joint unions per street
    industries: tuple[int, int]  # industry union federations per street
    group_share: float  # share of grassroots unions that have union groups


SCALES = {
    "tiny": Scale(streets=3, grassroots=20, enterprises=200, workers=1_000, area_joints=(1, 2), industries=(1, 1),
                  group_share=0.1),
    "small": Scale(streets=8, grassroots=300, enterprises=2_000, workers=30_000, area_joints=(2, 3),
                   industries=(1, 2), group_share=0.1),
    "city": Scale(streets=20, grassroots=7_600, enterprises=50_000, workers=1_000_000, area_joints=(6, 9),
                  industries=(2, 3), group_share=0.12),
}
