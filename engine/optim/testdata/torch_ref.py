# Generates the reference numbers for engine/optim/torch_test.go with torch.optim.
# Run: /usr/bin/python3 testdata/torch_ref.py  (prints the rows of torchCases and the clip check)
import json
import torch
gokey = {'momentum_buffer': 'StateVelocity', 'sum': 'StateG', 'square_avg': 'StateV', 'exp_avg': 'StateM', 'exp_avg_sq': 'StateV'}
torch.set_default_dtype(torch.float64)

def grad(w):
    # f(w) = 1.5*w0^2 + 0.5*w1^2 + w0*w1 - 0.7*w1  ->  df = [3w0 + w1, w1 + w0 - 0.7]
    return torch.tensor([3*w[0] + w[1], w[1] + w[0] - 0.7])

configs = [
    ("sgd", "sgd", dict(lr=0.1), torch.optim.SGD, dict(lr=0.1)),
    ("sgd wd", "sgd", dict(lr=0.1, wd=0.01), torch.optim.SGD, dict(lr=0.1, weight_decay=0.01)),
    ("momentum", "momentum", dict(lr=0.1, mu=0.9), torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    ("momentum wd", "momentum", dict(lr=0.05, mu=0.5, wd=0.1), torch.optim.SGD, dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("nesterov", "nesterov", dict(lr=0.1, mu=0.9), torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("adagrad", "adagrad", dict(lr=0.1), torch.optim.Adagrad, dict(lr=0.1)),
    ("adagrad wd", "adagrad", dict(lr=0.5, wd=0.01), torch.optim.Adagrad, dict(lr=0.5, weight_decay=0.01)),
    ("rmsprop", "rmsprop", dict(lr=0.01), torch.optim.RMSprop, dict(lr=0.01)),
    ("rmsprop alpha wd", "rmsprop", dict(lr=0.01, alpha=0.9, eps=1e-6, wd=0.01), torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01)),
    ("adam", "adam", dict(lr=0.1), torch.optim.Adam, dict(lr=0.1)),
    ("adam betas wd", "adam", dict(lr=0.01, b1=0.8, b2=0.99, eps=1e-6, wd=0.01), torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
    ("adamw", "adamw", dict(lr=0.1), torch.optim.AdamW, dict(lr=0.1)),
    ("adamw betas wd", "adamw", dict(lr=0.05, b1=0.8, b2=0.99, eps=1e-6, wd=0.5), torch.optim.AdamW, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.5)),
]
statekey = {"SGD": None, "Adagrad": "sum", "RMSprop": "square_avg", "Adam": "exp_avg_sq", "AdamW": "exp_avg_sq"}

def f(x):
    return repr(float(x))

print("// torch", torch.__version__)
for label, name, goargs, cls, kw in configs:
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = cls([w], **kw)
    ws = []
    for step in range(3):
        if step == 2:
            for g in opt.param_groups:
                g["lr"] = kw["lr"] / 2  # learning rate halved before the third step
        w.grad = grad(w.detach())
        opt.step()
        ws.append(w.detach().clone())
    st = opt.state[w]
    extra = {k: v for k, v in st.items() if torch.is_tensor(v) and v.numel() == 2}
    args = ", ".join(f"{k}: {v}" for k, v in goargs.items())
    print("{%s, %s, cfg{%s}, [3][2]float64{%s}, map[string][2]float64{%s}}," % (
        json.dumps(label), json.dumps(name), args,
        ", ".join("{%s, %s}" % (f(x[0]), f(x[1])) for x in ws),
        ", ".join('%s: {%s, %s}' % (gokey[k], f(v[0]), f(v[1])) for k, v in sorted(extra.items()))))

# clip_grad_norm_
a = torch.zeros(2, requires_grad=True); b = torch.zeros(1, requires_grad=True)
a.grad = torch.tensor([3.0, 4.0]); b.grad = torch.tensor([12.0])
n = torch.nn.utils.clip_grad_norm_([a, b], 6.5)
print("clip", f(n), [f(x) for x in a.grad], [f(x) for x in b.grad])
