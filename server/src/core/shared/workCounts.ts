// How many times the costly steps ran in this process: parses of Dockerfile text (parseDockerfile), plans
// (planBuild) and advice (advise). Plain counters read by tests, which check that the editor's features share one
// parse, one plan and one advice per document version (server/src/document/model.ts); nothing else reads them.
export const workCounts = { parses: 0, plans: 0, advice: 0 };
