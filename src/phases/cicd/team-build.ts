// What the deploy builds when the VM's compose services run the team's own image (inventory
// `build`: DefectDojo's Dockerfile.django-debian, target release): the README and the migration
// plan say which Dockerfile, stage, folder and build arguments, as the workflow's build step uses them.
import type { TeamBuild } from "../../inventory/schema.js";
/** What the deploy builds for the team's image (README and migration plan say the same). */
export function teamBuildText(dockerfile: string, build: TeamBuild): string {
  const args = Object.keys(build.args ?? {});
  return (
    `The deploy builds your \`${dockerfile}\`, the image your compose file's \`build:\` makes for the app's services` +
    `${build.target ? `, up to its stage \`${build.target}\`` : ""}, from the folder \`${build.context}\`` +
    `${args.length ? ` with the build arguments ${args.map((a) => `\`${a}\``).join(", ")} as the compose file sets them (its defaults, not the VM's .env)` : ""}; no Dockerfile is written.`
  );
}

/** The `docker build` of the team's image, as the workflow runs it (tag aside). */
export function teamBuildCommand(dockerfile: string, build: TeamBuild): string {
  const args = Object.keys(build.args ?? {}).map((a) => ` --build-arg ${a}`);
  return `docker build --file ${dockerfile}${build.target ? ` --target ${build.target}` : ""}${args.join("")} ${build.context}`;
}
