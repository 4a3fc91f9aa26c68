/**
 * Cards loaded on demand: the storyboard renders its first chunks of cards and a placeholder
 * (`[data-chunk-src]`, a "Show …" link that works without JavaScript) for each of the others. A
 * placeholder coming near the viewport is replaced by its chunk (fetched HTML, its islands
 * hydrated), and a scene can be brought onto the page by id (the search, the failure details, a
 * link to `#sentence-<id>`). Cards loaded later register with the page's scene model like the
 * others, so the live stream reaches them.
 */
import { hydrateFragment } from "../islands_runtime/client/boot.ts";

const loading = new Map<string, Promise<void>>();
let observer: IntersectionObserver | null = null;

/** Replaces `placeholder` with the fetched chunk `html` and hydrates its islands (once their code is loaded). */
async function insert(placeholder: Element, html: string): Promise<void> {
  const template = document.createElement("template");
  template.innerHTML = html;
  const props = template.content.querySelector("script[data-island-props]");
  props?.remove();
  const nodes = [...template.content.childNodes];
  placeholder.replaceWith(...nodes);
  await hydrateFragment(nodes, props?.textContent ?? "[]");
  for (const node of nodes) {
    if (node instanceof Element) node.querySelectorAll("[data-chunk-src]").forEach((el) => observer?.observe(el));
  }
}

async function fetchHtml(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "text/html" } });
  } catch {
    throw new Error("Could not reach the server to load these scenes. Check that Scene Studio is running and reload.");
  }
  if (!res.ok) {
    throw new Error(
      res.status === 404
        ? "These scenes have changed since the page was loaded: reload the page to see them."
        : `The cards could not be loaded (the server answered ${res.status}): reload the page to try again.`,
    );
  }
  return res;
}

/** Loads the chunk of `placeholder` (once, however often it is asked for). */
export function loadChunk(placeholder: Element): Promise<void> {
  const key = placeholder.getAttribute("data-chunk") ?? "";
  let pending = loading.get(key);
  if (!pending) {
    observer?.unobserve(placeholder);
    placeholder.setAttribute("aria-busy", "true");
    pending = fetchHtml(placeholder.getAttribute("data-chunk-src") ?? "")
      .then(async (res) => insert(placeholder, await res.text()))
      .catch((error) => {
        loading.delete(key);
        placeholder.removeAttribute("aria-busy");
        const message = error instanceof Error ? error.message : String(error);
        placeholder.setAttribute("data-chunk-error", message);
        // Said where the cards would be (the link still works: it opens them as a page).
        let note = placeholder.querySelector(".chunk-error");
        if (!note) {
          note = document.createElement("p");
          note.className = "part-error chunk-error";
          note.setAttribute("role", "alert");
          placeholder.append(note);
        }
        note.textContent = message;
        throw error;
      });
    loading.set(key, pending);
  }
  return pending;
}

const placeholderOf = (key: string) => document.querySelector(`[data-chunk-src][data-chunk="${CSS.escape(key)}"]`);

/**
 * The card of sentence `sentenceId`, loaded onto the page first when it is not there (its
 * section, then its chunk). Null when the project has no such scene.
 */
export async function revealScene(projectId: number, sentenceId: number): Promise<HTMLElement | null> {
  const card = () => document.getElementById(`sentence-${sentenceId}`);
  if (card()) return card();
  const res = await fetchHtml(`/projects/${projectId}/cards?sentence=${sentenceId}`).catch(() => null);
  if (!res) return null;
  const key = res.headers.get("x-chunk") ?? "";
  const sectionKey = res.headers.get("x-section-chunk") ?? "";
  const html = await res.text();
  if (card()) return card();
  const section = placeholderOf(sectionKey);
  if (section && sectionKey === key) {
    if (!loading.has(key)) {
      loading.set(key, Promise.resolve(insert(section, html)));
    }
    await loading.get(key);
    return card();
  }
  if (section) await loadChunk(section);
  const chunk = placeholderOf(key);
  if (chunk) {
    if (!loading.has(key)) loading.set(key, Promise.resolve(insert(chunk, html)));
    await loading.get(key);
  }
  return card();
}

/**
 * Starts loading placeholders as they come near the viewport, and brings a `#sentence-<id>` of
 * the address onto the page (a form's redirect, a shared link).
 */
export function watchChunks(projectId: number): void {
  if (observer || typeof IntersectionObserver === "undefined") return;
  observer = new IntersectionObserver((entries) => {
    for (const entry of entries) if (entry.isIntersecting) loadChunk(entry.target).catch(() => {});
  }, { rootMargin: "600px 0px" });
  document.querySelectorAll("[data-chunk-src]").forEach((el) => observer!.observe(el));
  // "Show section" without waiting for the scroll (a click on the placeholder's link).
  document.addEventListener("click", (e) => {
    const link = (e.target as Element | null)?.closest?.("[data-chunk-src] a");
    const placeholder = link?.closest("[data-chunk-src]");
    if (!placeholder || (e as MouseEvent).button !== 0) return;
    e.preventDefault();
    loadChunk(placeholder).catch(() => {});
  });
  const wanted = /^#sentence-(\d+)$/.exec(location.hash)?.[1];
  if (wanted && !document.getElementById(`sentence-${wanted}`)) {
    revealScene(projectId, Number(wanted)).then((card) => card?.scrollIntoView({ block: "center" }));
  }
}
