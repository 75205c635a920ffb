import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatBytes,
  formatClock,
  formatCount,
  formatDateTime,
  formatDuration,
  formatMediaDuration,
  formatPerSecond,
  formatRate,
  formatTime,
  percent,
  plural,
} from "../src/format";

// format.ts formats for the browser's locale and time zone; web/unit pins them (en-US, UTC) so that these
// expectations hold on any machine.
describe("the test environment", () => {
  it("formats for en-US in UTC, as web/unit sets up", () => {
    assert.equal(new Intl.NumberFormat().resolvedOptions().locale, "en-US", "run the tests through web/unit");
    assert.equal(new Intl.DateTimeFormat().resolvedOptions().timeZone, "UTC", "run the tests through web/unit");
  });
});

describe("formatCount", () => {
  it("groups thousands and rounds to whole numbers", () => {
    assert.equal(formatCount(0), "0");
    assert.equal(formatCount(999), "999");
    assert.equal(formatCount(1234567), "1,234,567");
    assert.equal(formatCount(2.6), "3");
  });

  it("shows 0 for a value that is not a finite number", () => {
    assert.equal(formatCount(Number.NaN), "0");
    assert.equal(formatCount(Number.POSITIVE_INFINITY), "0");
  });
});

describe("formatBytes", () => {
  it("uses decimal units, whole bytes and one decimal above", () => {
    assert.equal(formatBytes(1), "1 B");
    assert.equal(formatBytes(999), "999 B");
    assert.equal(formatBytes(1000), "1.0 kB");
    assert.equal(formatBytes(1536), "1.5 kB");
    assert.equal(formatBytes(999_000), "999.0 kB");
    assert.equal(formatBytes(1_000_000), "1.0 MB");
    assert.equal(formatBytes(2_500_000_000), "2.5 GB");
    assert.equal(formatBytes(7.2e12), "7.2 TB");
    assert.equal(formatBytes(1e15), "1.0 PB");
  });

  it("stops at petabytes", () => {
    assert.equal(formatBytes(2.5e18), "2,500.0 PB");
  });

  it("shows 0 B for nothing, less than nothing, or no number", () => {
    assert.equal(formatBytes(0), "0 B");
    assert.equal(formatBytes(-5), "0 B");
    assert.equal(formatBytes(Number.NaN), "0 B");
    assert.equal(formatBytes(Number.POSITIVE_INFINITY), "0 B");
  });
});

describe("formatRate", () => {
  it("is a size per second", () => {
    assert.equal(formatRate(1500), "1.5 kB/s");
    assert.equal(formatRate(0), "0 B/s");
  });
});

describe("formatPerSecond", () => {
  it("has one decimal below 10 and none from 10 up", () => {
    assert.equal(formatPerSecond(2.345), "2.3/s");
    assert.equal(formatPerSecond(0.05), "0.1/s");
    assert.equal(formatPerSecond(10), "10/s");
    assert.equal(formatPerSecond(1234.4), "1,234/s");
  });

  it("shows 0/s for nothing, less than nothing, or no number", () => {
    assert.equal(formatPerSecond(0), "0/s");
    assert.equal(formatPerSecond(-1), "0/s");
    assert.equal(formatPerSecond(Number.NaN), "0/s");
  });
});

describe("formatDuration", () => {
  it("shows seconds under a minute", () => {
    assert.equal(formatDuration(0), "0 s");
    assert.equal(formatDuration(4), "4 s");
    assert.equal(formatDuration(59.4), "59 s");
  });

  it("shows minutes and two-digit seconds under an hour", () => {
    assert.equal(formatDuration(59.5), "1 min 00 s");
    assert.equal(formatDuration(185), "3 min 05 s");
    assert.equal(formatDuration(3599), "59 min 59 s");
  });

  it("shows hours and two-digit minutes under two days", () => {
    assert.equal(formatDuration(3600), "1 h 00 min");
    assert.equal(formatDuration(2 * 3600 + 7 * 60 + 59), "2 h 07 min");
    assert.equal(formatDuration(47 * 3600 + 59 * 60), "47 h 59 min");
  });

  it("shows days and hours from two days on", () => {
    assert.equal(formatDuration(48 * 3600), "2 d 0 h");
    assert.equal(formatDuration(75 * 3600), "3 d 3 h");
  });

  it("shows a dash for an unknown or impossible duration", () => {
    for (const value of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      assert.equal(formatDuration(value), "—", String(value));
    }
  });
});

describe("formatDateTime and formatTime", () => {
  const iso = "2024-05-01T13:04:05Z";

  it("show the date and time, or the time alone", () => {
    // ICU puts a narrow no-break space before AM/PM, hence \s.
    assert.match(formatDateTime(iso), /^May 1, 2024, 01:04:05\sPM$/);
    assert.match(formatTime(iso), /^01:04:05\sPM$/);
  });

  it("show what the server sent when it is not a date", () => {
    assert.equal(formatDateTime("soon"), "soon");
    assert.equal(formatTime("soon"), "soon");
  });

  it("show a dash, or nothing, when there is no date", () => {
    assert.equal(formatDateTime(null), "—");
    assert.equal(formatDateTime(undefined), "—");
    assert.equal(formatDateTime(""), "—");
    assert.equal(formatTime(null), "");
    assert.equal(formatTime(""), "");
  });
});

describe("percent", () => {
  it("is done over total, in percent", () => {
    assert.equal(percent(5, 10), 50);
    assert.equal(percent(1, 4), 25);
    assert.equal(percent(10, 10), 100);
  });

  it("stays between 0 and 100", () => {
    assert.equal(percent(12, 10), 100);
    assert.equal(percent(-3, 10), 0);
  });

  it("is 0 while the total is unknown", () => {
    assert.equal(percent(5, 0), 0);
    assert.equal(percent(5, -1), 0);
    assert.equal(percent(5, Number.NaN), 0);
  });
});

describe("plural", () => {
  it("picks the form by the count and formats the count", () => {
    assert.equal(plural(1, "file", "files"), "1 file");
    assert.equal(plural(0, "file", "files"), "0 files");
    assert.equal(plural(2, "download", "downloads"), "2 downloads");
    assert.equal(plural(1234, "file", "files"), "1,234 files");
  });
});

describe("formatMediaDuration", () => {
  it("shows tenths under ten seconds, whole seconds under a minute, then a clock", () => {
    assert.equal(formatMediaDuration(0.3), "0.3 s");
    assert.equal(formatMediaDuration(2.349), "2.3 s");
    assert.equal(formatMediaDuration(9.96), "10 s");
    assert.equal(formatMediaDuration(42.4), "42 s");
    assert.equal(formatMediaDuration(59.6), "1:00");
    assert.equal(formatMediaDuration(125), "2:05");
    assert.equal(formatMediaDuration(3729), "1:02:09");
  });

  it("shows a dash for an unknown length", () => {
    for (const value of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      assert.equal(formatMediaDuration(value), "—", String(value));
    }
  });
});

describe("formatClock", () => {
  it("shows minutes and seconds, and hours when there are some", () => {
    assert.equal(formatClock(0), "0:00");
    assert.equal(formatClock(7.4), "0:07");
    assert.equal(formatClock(185), "3:05");
    assert.equal(formatClock(3729), "1:02:09");
  });

  it("shows 0:00 for less than nothing or no number", () => {
    assert.equal(formatClock(-3), "0:00");
    assert.equal(formatClock(Number.NaN), "0:00");
  });
});
