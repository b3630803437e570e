"use strict";
var WORDS = /*WORDS*/{};
