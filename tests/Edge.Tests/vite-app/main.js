document.body.dataset.version = "1";
