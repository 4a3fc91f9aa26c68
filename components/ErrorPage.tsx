import { Layout } from "./Layout.tsx";

/**
 * A readable error page for browser routes (the API answers JSON instead), with a way back: the
 * page the creator came from when known (a storyboard form's error), else the project list.
 */
export function ErrorPage(props: { status: number; message: string; back?: { href: string; label: string } }) {
  const back = props.back ?? { href: "/", label: "Back to the projects" };
  return (
    <Layout title={props.status === 404 ? "Not found" : "Error"}>
      <section class="error-page">
        <h1>
          {props.status === 404 ? "Not found" : props.status < 500 ? "That did not work" : "Something went wrong"}
        </h1>
        <p role="alert">{props.message}</p>
        <p>
          <a href={back.href}>{back.label}</a>
        </p>
      </section>
    </Layout>
  );
}
