import { Layout } from "./Layout.tsx";

/** A readable error page for browser routes (the API answers JSON instead). */
export function ErrorPage(props: { status: number; message: string }) {
  return (
    <Layout title={props.status === 404 ? "Not found" : "Error"}>
      <section class="error-page">
        <h1>{props.status === 404 ? "Not found" : "Something went wrong"}</h1>
        <p role="alert">{props.message}</p>
        <p>
          <a href="/">Back to the projects</a>
        </p>
      </section>
    </Layout>
  );
}
