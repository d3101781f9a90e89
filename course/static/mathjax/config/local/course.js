/* The course's MathJax 2.7 settings for offline pages, loaded after the page's own
   configuration ("?config=TeX-AMS_CHTML-full,Safe,local/course"). The maths is drawn by the
   CommonHTML output with MathJax's TeX fonts, as nbconvert's pages draw it; both are copied
   beside the rest of MathJax from MathJax 2.7.9 (see course/static/README.md). No other
   output is there to switch to, so MathJax's menu does not offer a choice of renderer. */
MathJax.Hub.Config({
  MathMenu: { showRenderer: false }
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/course.js");
