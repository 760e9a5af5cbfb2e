import { describe, expect, it, vi } from "vitest";
import { once } from "./lazy";

describe("once", () => {
  it("loads once, every caller sharing the result", async () => {
    const load = vi.fn(async () => "screen");
    const get = once(load);
    expect(get()).toBe(get());
    expect(await get()).toBe("screen");
    expect(load).toHaveBeenCalledTimes(1);
  });
  it("tries again after a failure", async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error("offline")).mockResolvedValue("screen");
    const get = once(load);
    await expect(get()).rejects.toThrow("offline");
    expect(await get()).toBe("screen");
    expect(load).toHaveBeenCalledTimes(2);
  });
});
