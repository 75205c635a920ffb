import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalizeSnapshot, parseStatus } from "../src/api/snapshot";
import { isJobStatus, isRunning, JOB_STATUS_LABELS, JOB_STATUSES, statusLabel } from "../src/statuses";

describe("JOB_STATUSES", () => {
  it("lists each job status once, in the order of the API's description", () => {
    assert.deepEqual(JOB_STATUSES, [
      "idle",
      "processing",
      "stopping",
      "completed",
      "completed_with_errors",
      "stopped",
      "failed",
      "interrupted",
    ]);
  });
});

describe("parseStatus", () => {
  it("keeps every known status", () => {
    for (const status of JOB_STATUSES) assert.equal(parseStatus(status), status);
  });

  it("reads anything else as idle", () => {
    for (const value of ["exploded", "", "Processing", "succeeded", "constructor", null, undefined, 3, {}]) {
      assert.equal(parseStatus(value), "idle", JSON.stringify(value));
    }
  });

  it("is what a snapshot's status goes through", () => {
    assert.equal(normalizeSnapshot({ status: "interrupted" }).status, "interrupted");
    assert.equal(normalizeSnapshot({ status: "paused" }).status, "idle");
  });
});

describe("isJobStatus", () => {
  it("tells job statuses from other values", () => {
    assert.ok(JOB_STATUSES.every(isJobStatus));
    assert.ok(!isJobStatus("succeeded"));
    assert.ok(!isJobStatus("toString"));
    assert.ok(!isJobStatus(undefined));
  });
});

describe("isRunning", () => {
  it("is true while processing or stopping, and only then", () => {
    const running = JOB_STATUSES.filter((status) => isRunning(status));
    assert.deepEqual(running, ["processing", "stopping"]);
    assert.equal(isRunning(undefined), false);
  });
});

describe("statusLabel", () => {
  it("names every job status in words", () => {
    assert.equal(statusLabel("completed_with_errors"), "Completed with errors");
    assert.equal(statusLabel("idle"), "Idle");
    for (const status of JOB_STATUSES) {
      assert.equal(statusLabel(status), JOB_STATUS_LABELS[status]);
      assert.match(statusLabel(status), /^[A-Z][a-z ]+$/, status);
    }
  });

  it("names a user's own status, and shows an unknown one as sent", () => {
    assert.equal(statusLabel("succeeded"), "Succeeded");
    assert.equal(statusLabel("failed"), "Failed");
    assert.equal(statusLabel("paused"), "paused");
    assert.equal(statusLabel("constructor"), "constructor");
  });

  it("names an exported item's status", () => {
    assert.equal(statusLabel("downloaded"), "Downloaded");
    assert.equal(statusLabel("skipped"), "Up to date");
    assert.equal(statusLabel("cancelled"), "Cancelled");
    assert.equal(statusLabel("planned"), "Planned");
  });
});
