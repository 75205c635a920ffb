import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRoute, routeHash, sectionOf, type Route } from "../src/routing";

describe("parseRoute", () => {
  it("is the job page with no hash, #/ or an in-page anchor", () => {
    for (const hash of ["", "#", "#/", "/", "#errors", "#results", "#//"]) {
      assert.deepEqual(parseRoute(hash), { page: "job" }, JSON.stringify(hash));
    }
  });

  it("is the users list, with the search from ?q=", () => {
    assert.deepEqual(parseRoute("#/users"), { page: "users", query: "" });
    assert.deepEqual(parseRoute("#/users/"), { page: "users", query: "" });
    assert.deepEqual(parseRoute("#/users?q=ada"), { page: "users", query: "ada" });
    assert.deepEqual(parseRoute("#/users?q=ada%40example.org&x=1"), { page: "users", query: "ada@example.org" });
    assert.deepEqual(parseRoute("#/users?q=grace+hopper"), { page: "users", query: "grace hopper" });
  });

  it("is a user's page, with the id decoded", () => {
    assert.deepEqual(parseRoute("#/users/mT9rR1odKcBCgmXOQyP2"), { page: "user", userId: "mT9rR1odKcBCgmXOQyP2" });
    assert.deepEqual(parseRoute("#/users/a%2Fb%20c"), { page: "user", userId: "a/b c" });
    assert.deepEqual(parseRoute("#/users/%E2%9C%93%3F%23"), { page: "user", userId: "✓?#" });
  });

  it("keeps an id typed with a raw slash whole", () => {
    assert.deepEqual(parseRoute("#/users/a/b"), { page: "user", userId: "a/b" });
  });

  it("names no page for a malformed escape or an unknown path", () => {
    assert.deepEqual(parseRoute("#/users/%E0%A4%A"), { page: "notFound", hash: "#/users/%E0%A4%A" });
    assert.deepEqual(parseRoute("#/jobs"), { page: "notFound", hash: "#/jobs" });
  });
});

describe("routeHash", () => {
  it("writes each page's address", () => {
    assert.equal(routeHash({ page: "job" }), "#/");
    assert.equal(routeHash({ page: "users", query: "" }), "#/users");
    assert.equal(routeHash({ page: "users", query: "ada lovelace" }), "#/users?q=ada+lovelace");
    assert.equal(routeHash({ page: "user", userId: "a/b c?#%" }), "#/users/a%2Fb%20c%3F%23%25");
  });

  it("is read back as the same route", () => {
    const routes: Route[] = [
      { page: "job" },
      { page: "users", query: "" },
      { page: "users", query: "ä&=?#/ +" },
      { page: "user", userId: "plain" },
      { page: "user", userId: "../..%2F/\u202E.png" },
      { page: "user", userId: " spaced " },
    ];
    for (const route of routes) assert.deepEqual(parseRoute(routeHash(route)), route, JSON.stringify(route));
  });
});

describe("sectionOf", () => {
  it("puts a user's page under Users", () => {
    assert.equal(sectionOf({ page: "job" }), "job");
    assert.equal(sectionOf({ page: "users", query: "" }), "users");
    assert.equal(sectionOf({ page: "user", userId: "x" }), "users");
    assert.equal(sectionOf({ page: "notFound", hash: "#/x" }), null);
  });
});
