import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BatchProcessor } from "./BatchProcessor";
import "./styles.css";

const container = document.getElementById("root");
if (container) {
  createRoot(container).render(
    <StrictMode>
      <BatchProcessor />
    </StrictMode>,
  );
}
