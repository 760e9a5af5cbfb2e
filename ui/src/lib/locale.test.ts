import { describe, expect, it } from "vitest";
import { usableLanguage } from "./locale";

describe("usableLanguage", () => {
  it("keeps a tag Intl accepts and replaces the POSIX 'C' locale", () => {
    expect(usableLanguage("en-GB", "en-US")).toBe("en-GB");
    expect(usableLanguage("C", "en-US")).toBe("en-US");
    expect(usableLanguage("", "de")).toBe("de");
  });
});
