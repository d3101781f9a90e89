/* The course's MathJax 2.7 settings for offline pages, loaded after the page's own
   configuration ("?config=TeX-AMS_CHTML-full,Safe,local/course"). The maths is drawn by the
   CommonHTML output with MathJax's TeX fonts, as nbconvert's pages draw it (both are copied
   here from MathJax 2.7.9). The copy in jupyter_server_mathjax ships the STIX-Web fonts only,
   so MathJax's menu's other renderers (HTML-CSS and SVG) are told to use those. */
MathJax.Hub.Config({
  "HTML-CSS": { availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null },
  SVG: { font: "STIX-Web" }
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/course.js");
