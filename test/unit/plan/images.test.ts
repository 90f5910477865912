import { describe, expect, it } from "vitest";
import { cgoImageProblem, chooseCgoImage, glibcOfImage, samBuildImage } from "../../../src/plan/images.js";

describe("cgo images", () => {
  it("names AWS's build image of each provided runtime", () => {
    expect(samBuildImage("provided.al2023")).toBe("public.ecr.aws/sam/build-provided.al2023:latest");
    expect(samBuildImage("provided.al2")).toBe("public.ecr.aws/sam/build-provided.al2:latest");
    expect(chooseCgoImage({ runtime: "provided.al2" })).toBe("public.ecr.aws/sam/build-provided.al2:latest");
    expect(chooseCgoImage({ runtime: "provided.al2", userImage: "r.example/c:1" })).toBe("r.example/c:1");
  });

  it("knows the glibc of build-provided and Debian golang images by name, and nothing else", () => {
    expect(glibcOfImage("public.ecr.aws/sam/build-provided.al2023:latest")).toBe("2.34");
    expect(glibcOfImage("public.ecr.aws/sam/build-provided.al2:1.120.0-x86_64")).toBe("2.26");
    expect(glibcOfImage("public.ecr.aws/sam/build-provided.al2")).toBe("2.26");
    expect(glibcOfImage("docker.io/library/golang:1.24.5-bullseye")).toBe("2.31");
    expect(glibcOfImage("registry.example.com/al2-gcc:1")).toBeUndefined();
  });

  it("refuses an image whose glibc is newer than the runtime's", () => {
    expect(cgoImageProblem("public.ecr.aws/sam/build-provided.al2023:latest", "provided.al2")).toMatch(
      /glibc 2\.34, newer than provided\.al2's 2\.26/,
    );
    expect(cgoImageProblem("public.ecr.aws/sam/build-provided.al2:latest", "provided.al2023")).toBeUndefined();
    expect(cgoImageProblem("docker.io/library/golang:1.26.8-bookworm", "provided.al2023")).toMatch(/2\.36/);
    expect(cgoImageProblem("registry.example.com/al2-gcc:1", "provided.al2")).toBeUndefined();
  });
});
