import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  durationFromMetadata,
  exportUserPath,
  metadataText,
  nameOf,
  presentationOf,
  printable,
  withAccessToken,
} from "../src/api/exports";

describe("presentationOf", () => {
  const file = "/exports/users/u/files/i?kind=images";

  it("shows raster images the server sends inline as thumbnails", () => {
    for (const type of ["image/png", "image/jpeg", "image/gif", "image/webp", "IMAGE/PNG; charset=binary"]) {
      assert.equal(presentationOf({ kind: "images", content_type: type, file_url: file }), "image", type);
    }
  });

  it("offers other images, which come as attachments, as downloads", () => {
    assert.equal(presentationOf({ kind: "images", content_type: "image/svg+xml", file_url: file }), "file");
    assert.equal(presentationOf({ kind: "images", content_type: "image/heic", file_url: file }), "file");
  });

  it("plays audio and video", () => {
    assert.equal(presentationOf({ kind: "voices", content_type: "audio/wav", file_url: file }), "audio");
    assert.equal(presentationOf({ kind: "voices", content_type: "video/mp4", file_url: file }), "video");
  });

  it("goes by the kind without a content type", () => {
    assert.equal(presentationOf({ kind: "images", content_type: null, file_url: file }), "image");
    assert.equal(presentationOf({ kind: "voices", content_type: null, file_url: file }), "audio");
    assert.equal(presentationOf({ kind: "documents", content_type: null, file_url: file }), "file");
  });

  it("shows nothing without a file", () => {
    assert.equal(presentationOf({ kind: "images", content_type: "image/png", file_url: null }), "none");
  });
});

describe("durationFromMetadata", () => {
  it("reads milliseconds and seconds under the usual names", () => {
    assert.equal(durationFromMetadata({ durationMs: 2350 }), 2.35);
    assert.equal(durationFromMetadata({ duration_ms: "1500" }), 1.5);
    assert.equal(durationFromMetadata({ duration: 12.5 }), 12.5);
    assert.equal(durationFromMetadata({ durationSeconds: 3 }), 3);
  });

  it("is null without a positive number", () => {
    assert.equal(durationFromMetadata(null), null);
    assert.equal(durationFromMetadata({}), null);
    assert.equal(durationFromMetadata({ durationMs: 0 }), null);
    assert.equal(durationFromMetadata({ duration: "long" }), null);
    assert.equal(durationFromMetadata({ duration: { seconds: 3 } }), null);
  });
});

describe("withAccessToken", () => {
  it("adds the token to the query, encoded", () => {
    assert.equal(withAccessToken("/exports/users/u/files/i?kind=images", "t o&k"), "/exports/users/u/files/i?kind=images&access_token=t%20o%26k");
    assert.equal(withAccessToken("/f", "abc"), "/f?access_token=abc");
    assert.equal(withAccessToken("/f?", "abc"), "/f?access_token=abc");
    assert.equal(withAccessToken("/f?a=1#top", "abc"), "/f?a=1&access_token=abc#top");
  });

  it("leaves the address as it is without a token", () => {
    assert.equal(withAccessToken("/f?kind=voices", null), "/f?kind=voices");
    assert.equal(withAccessToken("/f", ""), "/f");
  });
});

describe("exportUserPath", () => {
  it("encodes the id as one path segment", () => {
    assert.equal(exportUserPath("abc"), "/exports/users/abc");
    assert.equal(exportUserPath("../x"), "/exports/users/..%2Fx");
    assert.equal(exportUserPath("a b?#"), "/exports/users/a%20b%3F%23");
  });
});

describe("metadataText", () => {
  it("shows strings as they are, typed values by their value, the rest as JSON", () => {
    assert.equal(metadataText("IMG_1.png"), "IMG_1.png");
    assert.equal(metadataText({ $type: "timestamp", value: "2025-07-13T06:20:25Z" }), "2025-07-13T06:20:25Z");
    assert.equal(metadataText(153), "153");
    assert.equal(metadataText(true), "true");
    assert.equal(metadataText(null), "null");
    assert.equal(metadataText({ a: [1, 2] }), '{"a":[1,2]}');
    assert.equal(metadataText(undefined), "");
  });
});

describe("printable and nameOf", () => {
  it("turn controls and reordering marks into U+FFFD", () => {
    assert.equal(printable("invoice\u202Egnp.exe\u0007\u0000.png"), "invoice\uFFFDgnp.exe\uFFFD\uFFFD.png");
    assert.equal(printable("a\u2066b\u2069c\u200Fd"), "a\uFFFDb\uFFFDc\uFFFDd");
    assert.equal(printable("tab\there"), "tab\uFFFDhere");
  });

  it("leave ordinary text, accents and other scripts alone", () => {
    assert.equal(printable("Éloïse – 写真 (1).png"), "Éloïse – 写真 (1).png");
  });

  it("name an item by its original name, else its id", () => {
    assert.equal(nameOf({ original_name: "IMG_1.png", id: "abc" }), "IMG_1.png");
    assert.equal(nameOf({ original_name: "", id: "abc" }), "abc");
    assert.equal(nameOf({ original_name: null, id: "abc" }), "abc");
    assert.equal(nameOf({ original_name: "x\u202E", id: "abc" }), "x\uFFFD");
  });
});
