/**
 * Island: "Find a scene" — the storyboard renders only some of its cards (the rest load as they
 * come into view), so the browser's own find cannot see every sentence. This box searches the
 * project's scenes on the server (`GET /api/v1/projects/:id/search`) and jumps to the chosen one,
 * loading its cards first when they are not on the page. Without JavaScript it is a plain form
 * that opens the storyboard at the first matching scene's cards (`?find=`).
 */
import { useRef, useState } from "preact/hooks";
import { callJson } from "../client/api.ts";
import { revealScene } from "../client/chunks.ts";
import { sceneLabel } from "../components/status_labels.ts";
import type { SceneMatch } from "../core/domain/scene_search.ts";

export interface SceneSearchProps {
  projectId: number;
}

/** Brings a scene's card into view, focused and marked for a moment. */
async function goTo(projectId: number, sentenceId: number): Promise<boolean> {
  const card = await revealScene(projectId, sentenceId);
  if (!card) return false;
  card.scrollIntoView({ block: "center" });
  card.setAttribute("tabindex", "-1");
  card.focus({ preventScroll: true });
  card.setAttribute("data-found", "");
  setTimeout(() => card.removeAttribute("data-found"), 2000);
  return true;
}

/** A plain form until hydrated (it works without JavaScript): loaded once the page's other islands are hydrated. */
export const hydration = "idle";

export default function SceneSearch({ projectId }: SceneSearchProps) {
  const [results, setResults] = useState<{ query: string; found: SceneMatch[]; more: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const search = async (e: Event) => {
    e.preventDefault();
    const query = input.current?.value.trim() ?? "";
    setError(null);
    if (!query) return setResults(null);
    setBusy(true);
    try {
      const answer = await callJson(
        fetch,
        "GET",
        `/projects/${projectId}/search?q=${encodeURIComponent(query)}`,
      ) as { results: SceneMatch[]; more: boolean };
      setResults({ query, found: answer.results, more: answer.more });
      if (answer.results.length === 1) await goTo(projectId, answer.results[0].sentenceId);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="scene-search" role="search" method="get" action={`/projects/${projectId}`} onSubmit={search}>
      <label>
        Find a scene{" "}
        <input
          ref={input}
          type="search"
          name="find"
          maxLength={200}
          placeholder="Words of its narration"
          data-testid="scene-search"
        />
      </label>{" "}
      <button type="submit" class="secondary" aria-busy={busy ? "true" : undefined}>Find</button>
      {error && <p class="part-error" role="alert">{error}</p>}
      {results && (
        <div class="search-results" data-testid="search-results">
          <p class="hint" aria-live="polite">
            {results.found.length === 0
              ? `No scene says “${results.query}”.`
              : `${results.found.length}${results.more ? "+" : ""} ${
                results.found.length === 1 ? "scene says" : "scenes say"
              } “${results.query}”.`}
          </p>
          {results.found.length > 0 && (
            <ul>
              {results.found.map((m) => (
                <li key={m.sentenceId}>
                  <a
                    href={`/projects/${projectId}?sentence=${m.sentenceId}#sentence-${m.sentenceId}`}
                    data-sentence-id={m.sentenceId}
                    onClick={(e) => {
                      e.preventDefault();
                      goTo(projectId, m.sentenceId);
                    }}
                  >
                    {sceneLabel(m.number)}: {m.text.length > 90 ? `${m.text.slice(0, 89)}…` : m.text}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
