/* The course's MathJax 2.7 settings for offline pages, loaded after the page's own
   configuration ("?config=TeX-AMS_CHTML-full,Safe,local/course"). The maths is drawn by the
   CommonHTML output with MathJax's TeX fonts, as nbconvert's pages draw it; both are copied
   beside the rest of MathJax from MathJax 2.7.9 (see course/static/README.md). No other
   output is there to switch to, so MathJax's menu does not offer a choice of renderer. */
MathJax.Hub.Config({
  MathMenu: { showRenderer: false }
});
/* MathJax pauses 50 ms between reading and drawing each batch of maths (Hub.processSectionDelay,
   a property of the Hub, not a Config setting), so that a preview can be painted first. A deck
   draws a slide's maths again each time the slide arrives, and those pauses held every slide
   with maths about 200 ms before its maths was final; the pages typeset sooner without them. */
MathJax.Hub.processSectionDelay = 0;
MathJax.Ajax.loadComplete("[MathJax]/config/local/course.js");
