import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { areaPath, barsOf, linePath, niceCeiling, plot, scale } from "../src/charts/scale";

describe("niceCeiling", () => {
  it("rounds up to 1, 2, 2.5 or 5 times a power of ten", () => {
    const cases: [number, number][] = [
      [1, 1],
      [1.2, 2],
      [2, 2],
      [2.1, 2.5],
      [3, 5],
      [7.3, 10],
      [10, 10],
      [11, 20],
      [61.2, 100],
      [240, 250],
      [4_321_000, 5_000_000],
      [0.3, 0.5],
      [0.03, 0.05],
      [0.21, 0.25],
    ];
    for (const [value, expected] of cases) assert.equal(niceCeiling(value), expected, String(value));
  });

  it("is 1 for nothing or no number", () => {
    for (const value of [0, -4, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(niceCeiling(value), 1, String(value));
  });
});

describe("scale", () => {
  it("maps the domain onto the size, clamped", () => {
    assert.equal(scale(5, 10, 300), 150);
    assert.equal(scale(20, 10, 300), 300);
    assert.equal(scale(-1, 10, 300), 0);
  });

  it("is 0 for an empty domain or no number", () => {
    assert.equal(scale(5, 0, 300), 0);
    assert.equal(scale(Number.NaN, 10, 300), 0);
  });
});

describe("plot", () => {
  it("puts x to the right and y up from the bottom", () => {
    const box = { width: 300, height: 100, xMax: 10, yMax: 50 };
    assert.deepEqual(plot([{ x: 0, y: 0 }, { x: 5, y: 25 }, { x: 10, y: 50 }], box), [
      { x: 0, y: 100 },
      { x: 150, y: 50 },
      { x: 300, y: 0 },
    ]);
  });

  it("puts every point at the left edge when no time has passed", () => {
    assert.deepEqual(plot([{ x: 0, y: 10 }], { width: 300, height: 100, xMax: 0, yMax: 20 }), [{ x: 0, y: 50 }]);
  });
});

describe("linePath and areaPath", () => {
  const points = [
    { x: 0, y: 100 },
    { x: 150.456, y: 33.333 },
    { x: 300, y: 0 },
  ];

  it("draw through the points with two decimals at most", () => {
    assert.equal(linePath(points), "M0,100L150.46,33.33L300,0");
  });

  it("close the area down to the baseline", () => {
    assert.equal(areaPath(points, 100), "M0,100L150.46,33.33L300,0L300,100L0,100Z");
  });

  it("draw nothing without points", () => {
    assert.equal(linePath([]), "");
    assert.equal(areaPath([], 100), "");
  });

  it("never write -0", () => {
    assert.equal(linePath([{ x: -0.001, y: 0 }]), "M0,0");
  });
});

describe("barsOf", () => {
  it("sorts the positive counts, longest first and ties by name, sized against the largest", () => {
    assert.deepEqual(barsOf({ network: 2, not_found: 8, checksum_mismatch: 2, disk_full: 0 }), [
      { label: "not_found", value: 8, fraction: 1 },
      { label: "checksum_mismatch", value: 2, fraction: 0.25 },
      { label: "network", value: 2, fraction: 0.25 },
    ]);
  });

  it("is empty without errors", () => {
    assert.deepEqual(barsOf({}), []);
    assert.deepEqual(barsOf({ not_found: 0, weird: Number.NaN }), []);
  });
});
