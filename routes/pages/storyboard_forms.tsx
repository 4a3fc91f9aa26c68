/**
 * The storyboard's plain HTML forms (they work without JavaScript): each POST validates the fields
 * with the API's schemas, calls the same domain function as the JSON API, and redirects (303) back
 * to the storyboard at the card or section it changed — or, when the change cannot be made (the
 * project's only scene, a split without a line break…), answers a page that says why, with a link
 * back to the storyboard.
 *
 * - POST /sentences/:id/prompts  {text, imagePrompt, videoPrompt, …Before}: saves the changed fields
 * - POST /sentences/:id/split    {text with a line break where the second scene starts}
 * - POST /sentences/:id/merge-next, /sentences/:id/delete
 * - POST /sentences/:id/move     {sectionId, position}
 * - POST /sections/:id/sentences {text, position?}; /sections/:id/rename {title};
 *   /sections/:id/move {position}; /sections/:id/delete {confirm: "yes"}
 * - POST /projects/:id/sections  {title?, script?}; /projects/:id/settings {title, aspectRatio,
 *   clipSeconds}; /projects/:id/delete {confirm: "yes"} (cancels its run, removes its media files)
 */
import { type Context, Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { ErrorPage } from "../../components/ErrorPage.tsx";
import { InvalidInputError } from "../../core/domain/errors.ts";
import { deleteProject, getSentence, projectSummary, updateProject } from "../../core/domain/projects.ts";
import { addSection, deleteSection, moveSection, renameSection } from "../../core/domain/sections.ts";
import {
  deleteSentence,
  insertSentence,
  mergeWithNext,
  moveSentence,
  splitSentence,
  updateSentence,
} from "../../core/domain/sentences.ts";
import { removeMediaFolder } from "../../media/store.ts";
import { renderPage } from "../../islands_runtime/server.tsx";
import { errorToJson, idParam, parseWith } from "../http.ts";
import {
  addSectionBody,
  insertSentenceBody,
  moveSectionBody,
  moveSentenceBody,
  renameSectionBody,
  updateProjectBody,
  updateSentenceBody,
} from "../api/schemas.ts";

type Form = Record<string, unknown>;

/** A form field as text with Windows line ends made plain; undefined when it was not sent. */
function field(form: Form, name: string): string | undefined {
  const value = form[name];
  return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : undefined;
}

/** A form field as a number (forms send text); undefined when empty, NaN when not a number. */
function numberField(form: Form, name: string): number | undefined {
  const value = field(form, name)?.trim();
  return value ? Number(value) : undefined;
}

/** The field only when it differs from what the page rendered (`<name>Before`): untouched fields are not saved. */
function changed(form: Form, name: string): string | undefined {
  const value = field(form, name)?.trim();
  const before = field(form, `${name}Before`)?.trim();
  return value !== undefined && before !== undefined && value === before ? undefined : value;
}

function confirmed(form: Form, what: string): void {
  if (field(form, "confirm") !== "yes") {
    throw new InvalidInputError("confirm", `Tick the box to confirm that ${what} should be deleted.`);
  }
}

/**
 * The storyboard, at a scene's card or a section when `anchor` names one: `?sentence=` or
 * `?section=` makes the page render the cards there (a big storyboard renders only some of its
 * cards; see routes/pages/storyboard.tsx).
 */
const storyboard = (projectId: number, anchor = "") => {
  const [, kind, id] = /^#(sentence|section)-(\d+)$/.exec(anchor) ?? [];
  return `/projects/${projectId}${kind ? `?${kind}=${id}` : ""}${anchor}`;
};

/**
 * Runs a form's change: a redirect to where it leads, or the error page with a link back (to the
 * storyboard when `back` names it).
 */
async function handle(c: Context, back: () => string | null | Promise<string | null>, change: () => Promise<string>) {
  let backTo: string | null = null;
  try {
    backTo = await back();
    return c.redirect(await change(), 303);
  } catch (err) {
    const { status, body } = errorToJson(err);
    if (status >= 500) throw err;
    const link = backTo ? { href: backTo, label: "Back to the storyboard" } : undefined;
    return c.html(renderPage(<ErrorPage status={status} message={String(body.error)} back={link} />), status);
  }
}

export function storyboardForms({ sql, config }: AppDeps) {
  const pages = new Hono();
  const sentenceId = (c: Context) => idParam(c, "id", "scene");
  const sectionId = (c: Context) => idParam(c, "id", "section");
  const projectId = (c: Context) => idParam(c, "id", "project");
  const sentenceBack = (id: number) => async () =>
    storyboard((await getSentence(sql, id)).projectId, `#sentence-${id}`);
  const sectionProject = async (id: number) => {
    const [row] = await sql<{ project_id: number }[]>`select project_id from sections where id = ${id}`;
    return row?.project_id ?? null;
  };
  const sectionBack = (id: number) => async () => {
    const project = await sectionProject(id);
    return project === null ? null : storyboard(project, `#section-${id}`);
  };

  pages.post("/sentences/:id/prompts", async (c) => {
    const id = sentenceId(c);
    const form = await c.req.parseBody();
    return handle(c, sentenceBack(id), async () => {
      // Only what the creator changed is saved: the form holds the words as they were at render
      // (`…Before`), and the engine may have written the video prompt since, or another tab changed
      // a prompt — an untouched field must not overwrite that.
      const changes = {
        text: changed(form, "text"),
        imagePrompt: changed(form, "imagePrompt"),
        videoPrompt: changed(form, "videoPrompt"),
      };
      const none = Object.values(changes).every((v) => v === undefined);
      const sentence = none
        ? await getSentence(sql, id)
        : await updateSentence(sql, id, parseWith(updateSentenceBody, changes));
      return storyboard(sentence.projectId, `#sentence-${id}`);
    });
  });

  pages.post("/sentences/:id/split", async (c) => {
    const id = sentenceId(c);
    const form = await c.req.parseBody();
    return handle(c, sentenceBack(id), async () => {
      const text = field(form, "text") ?? "";
      const at = text.indexOf("\n");
      const first = text.slice(0, at).replace(/\s+/g, " ").trim();
      const second = text.slice(at + 1).replace(/\s+/g, " ").trim();
      if (at < 0 || !first || !second) {
        throw new InvalidInputError(
          "text",
          "Put a line break in the text where the second scene should start, with words on both sides.",
        );
      }
      // Words changed as well as the line break: save them, then split where the break was.
      const sentence = await getSentence(sql, id);
      const joined = `${first} ${second}`;
      if (joined !== sentence.text) await updateSentence(sql, id, parseWith(updateSentenceBody, { text: joined }));
      await splitSentence(sql, id, first.length + 1);
      return storyboard(sentence.projectId, `#sentence-${id}`);
    });
  });

  pages.post("/sentences/:id/merge-next", (c) => {
    const id = sentenceId(c);
    return handle(c, sentenceBack(id), async () => {
      const sentence = await mergeWithNext(sql, id);
      return storyboard(sentence.projectId, `#sentence-${id}`);
    });
  });

  pages.post("/sentences/:id/move", async (c) => {
    const id = sentenceId(c);
    const form = await c.req.parseBody();
    return handle(c, sentenceBack(id), async () => {
      const target = parseWith(moveSentenceBody, {
        sectionId: numberField(form, "sectionId"),
        position: numberField(form, "position"),
      });
      const sentence = await moveSentence(sql, id, target);
      return storyboard(sentence.projectId, `#sentence-${id}`);
    });
  });

  pages.post("/sentences/:id/delete", (c) => {
    const id = sentenceId(c);
    return handle(c, sentenceBack(id), async () => {
      const sentence = await getSentence(sql, id);
      await deleteSentence(sql, id);
      return storyboard(sentence.projectId, `#section-${sentence.sectionId}`);
    });
  });

  pages.post("/sections/:id/sentences", async (c) => {
    const id = sectionId(c);
    const form = await c.req.parseBody();
    return handle(c, sectionBack(id), async () => {
      const body = parseWith(insertSentenceBody, {
        text: field(form, "text"),
        position: numberField(form, "position"),
      });
      const sentence = await insertSentence(sql, id, body);
      return storyboard(sentence.projectId, `#sentence-${sentence.id}`);
    });
  });

  pages.post("/sections/:id/rename", async (c) => {
    const id = sectionId(c);
    const form = await c.req.parseBody();
    return handle(c, sectionBack(id), async () => {
      const { title } = parseWith(renameSectionBody, { title: field(form, "title") ?? null });
      await renameSection(sql, id, title);
      return (await sectionBack(id)())!;
    });
  });

  pages.post("/sections/:id/move", async (c) => {
    const id = sectionId(c);
    const form = await c.req.parseBody();
    return handle(c, sectionBack(id), async () => {
      await moveSection(sql, id, parseWith(moveSectionBody, { position: numberField(form, "position") }).position);
      return (await sectionBack(id)())!;
    });
  });

  pages.post("/sections/:id/delete", async (c) => {
    const id = sectionId(c);
    const form = await c.req.parseBody();
    return handle(c, sectionBack(id), async () => {
      confirmed(form, "the section and its scenes");
      const project = await sectionProject(id);
      await deleteSection(sql, id);
      return storyboard(project!);
    });
  });

  pages.post("/projects/:id/sections", async (c) => {
    const id = projectId(c);
    const form = await c.req.parseBody();
    return handle(c, () => storyboard(id), async () => {
      const body = parseWith(addSectionBody, {
        title: field(form, "title")?.trim() || null,
        script: field(form, "script")?.trim() || undefined,
      });
      const section = await addSection(sql, id, body);
      return storyboard(id, `#section-${section.id}`);
    });
  });

  pages.post("/projects/:id/settings", async (c) => {
    const id = projectId(c);
    const form = await c.req.parseBody();
    return handle(c, () => storyboard(id), async () => {
      const current = await projectSummary(sql, id);
      const title = field(form, "title")?.trim();
      const aspectRatio = field(form, "aspectRatio");
      const clipSeconds = numberField(form, "clipSeconds");
      // Only what changed: a new aspect ratio or clip length marks media out of date for other tabs.
      const changes = {
        title: title !== current.title ? title : undefined,
        aspectRatio: aspectRatio !== current.aspectRatio ? aspectRatio : undefined,
        clipSeconds: clipSeconds !== current.clipSeconds ? clipSeconds : undefined,
      };
      if (Object.values(changes).some((v) => v !== undefined)) {
        await updateProject(sql, id, parseWith(updateProjectBody, changes));
      }
      return storyboard(id);
    });
  });

  pages.post("/projects/:id/delete", async (c) => {
    const id = projectId(c);
    const form = await c.req.parseBody();
    return handle(c, () => storyboard(id), async () => {
      confirmed(form, "the project");
      const { mediaFolder } = await deleteProject(sql, id);
      await removeMediaFolder(config.dataDir, mediaFolder);
      return "/";
    });
  });

  return pages;
}
