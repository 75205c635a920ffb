import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextIndex } from "../src/listKeys";

describe("nextIndex in a list", () => {
  it("moves down and up one row, and stops at the ends", () => {
    assert.equal(nextIndex(0, "ArrowDown", 3), 1);
    assert.equal(nextIndex(2, "ArrowDown", 3), 2);
    assert.equal(nextIndex(2, "ArrowUp", 3), 1);
    assert.equal(nextIndex(0, "ArrowUp", 3), 0);
  });

  it("goes to the first and last rows with Home and End", () => {
    assert.equal(nextIndex(1, "Home", 5), 0);
    assert.equal(nextIndex(1, "End", 5), 4);
  });

  it("starts at the first row when none has the focus", () => {
    assert.equal(nextIndex(-1, "ArrowDown", 3), 0);
    assert.equal(nextIndex(-1, "ArrowUp", 3), 0);
  });

  it("leaves other keys, left and right, and empty lists to the browser", () => {
    assert.equal(nextIndex(0, "Enter", 3), null);
    assert.equal(nextIndex(0, "Tab", 3), null);
    assert.equal(nextIndex(0, "ArrowRight", 3), null);
    assert.equal(nextIndex(0, "ArrowDown", 0), null);
  });
});

describe("nextIndex in a grid", () => {
  it("moves by a row with up and down, by one with left and right", () => {
    assert.equal(nextIndex(1, "ArrowDown", 10, 4), 5);
    assert.equal(nextIndex(5, "ArrowUp", 10, 4), 1);
    assert.equal(nextIndex(5, "ArrowRight", 10, 4), 6);
    assert.equal(nextIndex(5, "ArrowLeft", 10, 4), 4);
    assert.equal(nextIndex(8, "ArrowDown", 10, 4), 9);
    assert.equal(nextIndex(2, "ArrowUp", 10, 4), 0);
  });
});
