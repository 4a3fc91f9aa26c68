/**
 * The order a run makes its parts in (SCENE_ORDER). One GPU server runs one prompt at a time, and
 * a card that cannot hold the image and the video models together reloads them on every switch, so
 * a run on one server makes all its images first, then its videos: one model switch per run. With
 * images and videos on two servers, each scene's video starts as soon as its image is done, so the
 * videos overlap the remaining images.
 */

/** The SCENE_ORDER setting. */
export type SceneOrder = "auto" | "overlap" | "images-first";

/**
 * Whether runs hold their videos until their images are through. `auto` does so when images and
 * videos go to the same GPU server (`imageServer`/`videoServer` are the servers' base URLs, null
 * for providers without one, such as `draft`).
 * @example imagesFirst("auto", "http://gpu:8188", "http://gpu:8188") // true
 * @example imagesFirst("auto", "http://gpu1:8188", "http://gpu2:8188") // false
 */
export function imagesFirst(order: SceneOrder, imageServer: string | null, videoServer: string | null): boolean {
  if (order !== "auto") return order === "images-first";
  return imageServer !== null && imageServer === videoServer;
}
