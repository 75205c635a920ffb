import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
// First, so that every component's sheet comes after the globals in the bundled CSS.
import "./styles/base.css";
import { BatchProcessor } from "./BatchProcessor";

const container = document.getElementById("root");
if (container) {
  createRoot(container).render(
    <StrictMode>
      <BatchProcessor />
    </StrictMode>,
  );
}
