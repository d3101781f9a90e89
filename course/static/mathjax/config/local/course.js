/* The course's MathJax 2.7 settings for offline pages, loaded after the page's own
   configuration ("?config=...,local/course"). The MathJax copy in jupyter_server_mathjax
   ships the STIX-Web fonts only, so MathJax is told to use them (as Jupyter Notebook did). */
MathJax.Hub.Config({
  "HTML-CSS": { availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null },
  SVG: { font: "STIX-Web" }
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/course.js");
