/* The course's MathJax 2.7 settings for offline pages, named in the page's
   "?config=TeX-AMS_CHTML-full,Safe,local/course" and loaded before the page's own configuration
   block runs (so they hold for its first typesetting). The maths is drawn by the
   CommonHTML output with MathJax's TeX fonts, as nbconvert's pages draw it; both are copied
   beside the rest of MathJax from MathJax 2.7.9 (see course/static/README.md). No other
   output is there to switch to, so MathJax's menu does not offer a choice of renderer. */
MathJax.Hub.Config({
  MathMenu: { showRenderer: false }
});
/* Each time MathJax typesets, it pauses 50 ms after each of its four stages so the browser can
   update the page (Hub.processSectionDelay: a property of the Hub, which Hub.Config does not
   set). A deck draws a slide's maths again each time the slide arrives, and the pauses left each
   slide with maths unfinished for about 200 ms; the pages typeset sooner without them. */
MathJax.Hub.processSectionDelay = 0;
MathJax.Ajax.loadComplete("[MathJax]/config/local/course.js");
